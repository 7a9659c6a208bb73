import { Provider } from '@nestjs/common';
import { HistoryStore, MikroORM } from '@mosaic/persistence';
import { ORM } from '../persistence.provider';

export const HISTORY_STORE = Symbol('HISTORY_STORE');

export const HistoryStoreProvider: Provider = { provide: HISTORY_STORE, inject: [ORM], useFactory: (orm: MikroORM) => new HistoryStore(orm) };
