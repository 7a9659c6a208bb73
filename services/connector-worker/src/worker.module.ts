import { Module } from '@nestjs/common';
import { SourceTaskHandler } from './tasks/source-task.handler';
import { SourceTaskService } from './tasks/source-task.service';

@Module({
  controllers: [SourceTaskHandler],
  providers: [SourceTaskService],
})
export class WorkerModule {}
