import type { Dependency, RpmEntry } from './rpm-entry';

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escape = (text: string): string => text.replace(/[&<>"]/g, (c) => TEXT_ESCAPES[c]);

/** The start of primary.xml, up to the first package. */
export function primaryHead(count: number): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="${count}">\n`
  );
}

export const PRIMARY_TAIL = '</metadata>\n';

/** One `<package>` element, laid out as createrepo_c writes it. */
export function packageXml(p: RpmEntry): string {
  const evr = `epoch="${p.epoch}" ver="${escape(p.version)}" rel="${escape(p.release)}"`;
  const file = `${p.name}-${p.version}-${p.release}.${p.arch}.rpm`;
  return `<package type="rpm">
  <name>${escape(p.name)}</name>
  <arch>${p.arch}</arch>
  <version ${evr}/>
  <checksum type="sha256" pkgid="YES">${p.checksum}</checksum>
  <summary>${escape(p.summary)}</summary>
  <description>${escape(p.description)}</description>
  <packager>Fedora Project</packager>
  <url>${escape(p.url)}</url>
  <time file="${p.buildTime + 3600}" build="${p.buildTime}"/>
  <size package="${p.packageSize}" installed="${p.installedSize}" archive="${p.installedSize + 1024}"/>
  <location href="Packages/${p.name.charAt(0).toLowerCase()}/${escape(file)}"/>
  <format>
    <rpm:license>${escape(p.license)}</rpm:license>
    <rpm:vendor>Fedora Project</rpm:vendor>
    <rpm:group>Unspecified</rpm:group>
    <rpm:buildhost>buildvm-x86-${p.checksum.slice(0, 2)}.example.org</rpm:buildhost>
    <rpm:sourcerpm>${escape(p.sourceRpm)}</rpm:sourcerpm>
    <rpm:header-range start="4504" end="${p.headerEnd}"/>
${dependencies('provides', p.provides)}${dependencies('requires', p.requires)}${dependencies('obsoletes', p.obsoletes)}${dependencies('recommends', p.recommends)}${files(p)}  </format>
</package>
`;
}

function dependencies(kind: string, entries: Dependency[]): string {
  if (entries.length === 0) return '';
  return `    <rpm:${kind}>\n${entries.map(entryXml).join('')}    </rpm:${kind}>\n`;
}

function entryXml(d: Dependency): string {
  let attributes = `name="${escape(d.name)}"`;
  if (d.flags) attributes += ` flags="${d.flags}"`;
  if (d.epoch !== undefined) attributes += ` epoch="${d.epoch}"`;
  if (d.ver !== undefined) attributes += ` ver="${escape(d.ver)}"`;
  if (d.rel !== undefined) attributes += ` rel="${escape(d.rel)}"`;
  if (d.pre) attributes += ' pre="1"';
  return `      <rpm:entry ${attributes}/>\n`;
}

function files(p: RpmEntry): string {
  return p.files.map((f) => `    <file${f.dir ? ' type="dir"' : ''}>${escape(f.path)}</file>\n`).join('');
}
