import { useState } from 'preact/hooks';
import type { Schemas } from '../api/client';
import { EditDetails } from './edit-details';
import { MaterialForm } from './material-form';
import {
  addPackage,
  addRepository,
  checkUnsavedPackage,
  checkUnsavedRepository,
  loadRepositoryForEdit,
  updateRepository,
  type Package,
  type Repository,
} from './repositories-data';

export type Plugin = Schemas['Plugin'];

/** A new repository: its plugin chosen first, then the fields that plugin's schema asks for. */
export function AddRepository({ plugins, onAdded }: { plugins: Plugin[]; onAdded: (repository: Repository) => void }) {
  const [pluginId, setPluginId] = useState(plugins[0]?.id ?? '');
  const plugin = plugins.find((p) => p.id === pluginId);
  return (
    <details class="card">
      <summary>Add a repository</summary>
      <div class="field">
        <label for="new-repository-plugin">Plugin</label>
        <select id="new-repository-plugin" value={pluginId} onChange={(e) => setPluginId(e.currentTarget.value)}>
          {plugins.map((p) => (
            <option key={p.id} value={p.id}>
              {p.display_name} ({p.id})
            </option>
          ))}
        </select>
      </div>
      {plugin !== undefined && (
        <MaterialForm
          key={plugin.id}
          idPrefix="new-repository"
          title="New repository"
          submitText="Add repository"
          properties={plugin.repository_configuration}
          save={async (name, configuration) => onAdded(await addRepository(name, plugin.id, configuration))}
          check={(name, configuration) => checkUnsavedRepository(name, plugin.id, configuration)}
        />
      )}
    </details>
  );
}

interface RepositoryAdminProps {
  repository: Repository;
  plugin: Plugin | undefined;
  onChanged: (repository: Repository) => void;
  onPackageAdded: (pkg: Package) => void;
}

/** An admin's changes to a repository: edit it (If-Match with the version read when the form opened), add a package to it. */
export function RepositoryAdmin({ repository, plugin, onChanged, onPackageAdded }: RepositoryAdminProps) {
  if (plugin === undefined) return <p class="note">Its plugin is not loaded: it cannot be edited here.</p>;
  return (
    <>
      <details>
        <summary>Add a package to {repository.name}</summary>
        <MaterialForm
          idPrefix={`new-package-${repository.id}`}
          title={`New package in ${repository.name}`}
          submitText="Add package"
          properties={plugin.package_configuration}
          polling={{}}
          save={async (name, configuration, polling) => onPackageAdded(await addPackage(name, repository.id, configuration, polling))}
          check={(_, configuration) => checkUnsavedPackage(repository.id, configuration)}
        />
      </details>
      <EditRepository repository={repository} plugin={plugin} onChanged={onChanged} />
    </>
  );
}

function EditRepository({ repository, plugin, onChanged }: { repository: Repository; plugin: Plugin; onChanged: (repository: Repository) => void }) {
  return (
    <EditDetails summary={`Edit ${repository.name}`} load={() => loadRepositoryForEdit(repository.id)}>
      {(editing, reload) => (
        <MaterialForm
          idPrefix={`edit-repository-${repository.id}`}
          title={`Edit ${repository.name}`}
          submitText="Save repository"
          properties={plugin.repository_configuration}
          name={editing.value.name}
          stored={editing.value.configuration}
          save={async (name, configuration) => {
            onChanged(await updateRepository(repository.id, editing.etag, { name, plugin_id: plugin.id, configuration }));
            await reload();
          }}
          check={(name, configuration) => checkUnsavedRepository(name, plugin.id, configuration)}
        />
      )}
    </EditDetails>
  );
}
