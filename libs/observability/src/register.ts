// Side effect only: instruments http, pg and ioredis. Each service's main.ts imports this first,
// before anything that could load those modules (CommonJS runs imports in order).
import { instrumentLibraries } from './instrumentation';

instrumentLibraries();
