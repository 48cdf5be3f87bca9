import { Type, type Static } from '@sinclair/typebox';
import { Dictionary, OneOf, StringEnum } from '../schema-components';

/**
 * The tasks a job runs, as a pipeline definition declares them (snake_case, as the API speaks).
 * They live with the agents that run them: pipelines embed them in their definitions, and an
 * agent needs nothing else of the pipeline model. Each schema is also the task's type.
 */

export const ExecTask = Type.Object(
  {
    exec: Type.Object(
      {
        command: Type.String({ minLength: 1 }),
        arguments: Type.Optional(Type.Array(Type.String())),
        working_directory: Type.Optional(Type.String()),
        timeout_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 604800 })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type ExecTask = Static<typeof ExecTask>;

export const FetchPackageTask = Type.Object(
  {
    fetch_package: Type.Object({ material: Type.String({ minLength: 1 }), destination: Type.Optional(Type.String()) }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
export type FetchPackageTask = Static<typeof FetchPackageTask>;

export const HttpTask = Type.Object(
  {
    http: Type.Object(
      {
        method: Type.Optional(StringEnum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])),
        url: Type.String({ minLength: 1 }),
        headers: Type.Optional(Dictionary(Type.String())),
        body: Type.Optional(Type.String()),
        timeout_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type HttpTask = Static<typeof HttpTask>;

// The title names the alternatives in validation messages (`is not a known task`).
export const TaskDefinition = OneOf([ExecTask, FetchPackageTask, HttpTask], { title: 'task' });
export type TaskDefinition = Static<typeof TaskDefinition>;
