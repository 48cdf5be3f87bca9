import type { Schemas } from '../api/client';
import { EditDetails } from './edit-details';
import { MaterialForm } from './material-form';
import { checkUnsavedPackage, loadPackageForEdit, updatePackage, type Package } from './repositories-data';

interface EditPackageProps {
  pkg: Package;
  plugin: Schemas['Plugin'];
  onChanged: (pkg: Package) => void;
}

/** A package's name, configuration and polling settings, edited with If-Match; Check connection asks about the values as entered. */
export function EditPackage({ pkg, plugin, onChanged }: EditPackageProps) {
  return (
    <EditDetails summary={`Edit package ${pkg.name}`} load={() => loadPackageForEdit(pkg.id)}>
      {(editing, reload) => (
        <MaterialForm
          idPrefix={`edit-package-${pkg.id}`}
          title={`Edit package ${pkg.name}`}
          submitText="Save package"
          properties={plugin.package_configuration}
          name={editing.value.name}
          stored={editing.value.configuration}
          polling={{ auto_update: editing.value.auto_update, poll_interval_seconds: editing.value.poll_interval_seconds }}
          save={async (name, configuration, polling) => {
            onChanged(await updatePackage(editing.value, editing.etag, name, configuration, polling));
            await reload();
          }}
          check={(_, configuration) => checkUnsavedPackage(pkg.repository_id, configuration, pkg.id)}
        />
      )}
    </EditDetails>
  );
}
