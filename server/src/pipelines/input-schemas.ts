import { Type, type Static } from '@sinclair/typebox';
import { component, Dictionary } from '../schema-components';

/** What clients send to trigger runs and to encrypt values; the API validates bodies against these. */

export const TriggerInput = component(
  'TriggerInput',
  Type.Object(
    {
      revisions: Type.Optional(
        Dictionary(Type.String({ minLength: 1 }), {
          description: 'Material name → revision (a package revision label, or an upstream run counter).',
        }),
      ),
      environment: Type.Optional(
        Dictionary(Type.String(), {
          description:
            'Variable → value, for names the pipeline or a job lists under `overridable` (in the jobs that list them; the pipeline’s list means every job). Other names: 422. A secure variable: only a caller who may edit the pipeline (403 otherwise), and the value is masked like a secret.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
);
export type TriggerInput = Static<typeof TriggerInput>;

export const EncryptInput = component(
  'EncryptInput',
  Type.Object(
    {
      value: Type.String({ maxLength: 65536, writeOnly: true }),
      pipeline: Type.String({ pattern: '^[A-Za-z0-9._-]{1,255}$', description: 'The value decrypts only for this pipeline and `variable`.' }),
      variable: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,254}$' }),
    },
    { additionalProperties: false },
  ),
);
export type EncryptInput = Static<typeof EncryptInput>;
