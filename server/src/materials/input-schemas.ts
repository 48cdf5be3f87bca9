import { Type, type Static } from '@sinclair/typebox';
import { component, ref } from '../schema-components';

/** What clients send to declare repositories and packages; the API validates bodies against these. */

const name = Type.String({ description: 'Letters, digits, `.`, `_`, `-`; 1 to 255 characters; unique regardless of case.' });

/** A configuration entry as a client sends it: a plain value, or a secure value sent back as it was shown. */
export const ConfigurationEntryInput = component(
  'ConfigurationEntryInput',
  Type.Object(
    {
      key: Type.String({ pattern: '^[A-Z][A-Z0-9_]*$' }),
      value: Type.Optional(Type.String({ maxLength: 65536 })),
      encrypted_value: Type.Optional(Type.String({ maxLength: 131072, description: 'A secure value as Baton returned it, sent back to keep it.' })),
    },
    { additionalProperties: false },
  ),
);
export type ConfigurationEntryInput = Static<typeof ConfigurationEntryInput>;

const configuration = Type.Array(ref(ConfigurationEntryInput), { maxItems: 200 });

export const RepositoryInput = component('RepositoryInput', Type.Object({ name, plugin_id: Type.String(), configuration }, { additionalProperties: false }));
export type RepositoryInput = Static<typeof RepositoryInput>;

/** A repository's configuration to check before it is saved: the name is optional. */
export const UnsavedRepositoryInput = component(
  'UnsavedRepositoryInput',
  Type.Object({ name: Type.Optional(name), plugin_id: Type.String(), configuration }, { additionalProperties: false }),
);
export type UnsavedRepositoryInput = Static<typeof UnsavedRepositoryInput>;

export const PackageInput = component(
  'PackageInput',
  Type.Object(
    {
      name,
      repository_id: Type.String({ format: 'uuid' }),
      configuration,
      // Defaults the API fills in; other callers may leave them out, and the service defaults them the same way.
      auto_update: Type.Optional(Type.Boolean({ default: true })),
      poll_interval_seconds: Type.Optional(Type.Integer({ default: 60 })),
    },
    { additionalProperties: false },
  ),
);
export type PackageInput = Static<typeof PackageInput>;

/**
 * A package's configuration to check before it is saved. `package_id` names the package being
 * edited: its stored secure values may then be sent back as `encrypted_value`.
 */
export const UnsavedPackageInput = component(
  'UnsavedPackageInput',
  Type.Object(
    {
      repository_id: Type.String({ format: 'uuid' }),
      package_id: Type.Optional(Type.String({ format: 'uuid', description: 'The package being edited, when the form edits one.' })),
      configuration,
    },
    { additionalProperties: false },
  ),
);
export type UnsavedPackageInput = Static<typeof UnsavedPackageInput>;
