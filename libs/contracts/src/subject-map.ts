import { z } from 'zod';
import { AgentEventV1Schema } from './events';
import { QueryPlannedV1Schema, QueryRequestedV1Schema, SourceResultV1Schema, SourceTaskV1Schema } from './query';
import {
  QUERY_EVENTS_V1_PREFIX,
  QUERY_PLANNED_V1,
  QUERY_REQUESTED_V1,
  SOURCE_RESULT_V1,
  SOURCE_TASK_V1_PREFIX,
} from './subjects';

/**
 * The one map from subject family to payload schema. Publishers and handlers are
 * typed from it, so a wrong payload does not compile; consumers parse with it.
 */
export const SUBJECT_SCHEMAS = {
  [QUERY_REQUESTED_V1]: QueryRequestedV1Schema,
  [QUERY_PLANNED_V1]: QueryPlannedV1Schema,
  [SOURCE_TASK_V1_PREFIX]: SourceTaskV1Schema,
  [SOURCE_RESULT_V1]: SourceResultV1Schema,
  [QUERY_EVENTS_V1_PREFIX]: AgentEventV1Schema,
} as const;

export type SubjectFamily = keyof typeof SUBJECT_SCHEMAS;
export type PayloadOf<F extends SubjectFamily> = z.infer<(typeof SUBJECT_SCHEMAS)[F]>;

/** Finds the family of a concrete subject (`mosaic.task.v1.files` → `mosaic.task.v1`). */
export function subjectFamily(subject: string): SubjectFamily | undefined {
  if (subject in SUBJECT_SCHEMAS) return subject as SubjectFamily;
  const families = Object.keys(SUBJECT_SCHEMAS) as SubjectFamily[];
  return families.find((family) => subject.startsWith(`${family}.`));
}
