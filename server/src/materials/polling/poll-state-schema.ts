import { Type, type Static } from '@sinclair/typebox';
import { component, Nullable, StringEnum } from '../../schema-components';

/** Where a package stands with polling, as the API shows it (`poll` in a package). */
export const PollState = component(
  'PollState',
  Type.Object(
    {
      status: StringEnum(['pending', 'ok', 'failing', 'disabled', 'plugin_missing']),
      last_polled_at: Nullable(Type.String({ format: 'date-time' })),
      next_poll_at: Nullable(Type.String({ format: 'date-time' })),
      last_error: Nullable(Type.String()),
      error_kind: StringEnum(['transient', 'permanent', 'bug', null]),
      consecutive_failures: Type.Integer(),
      warnings: Type.Array(Type.String()),
    },
    { additionalProperties: false },
  ),
);
export type PackagePollView = Static<typeof PollState>;
export type PollStatus = PackagePollView['status'];
