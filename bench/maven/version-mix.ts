import { Random } from '../polling/random';

// Weighted by repetition: most versions are plain releases; the rest carry the qualifiers Maven orders specially.
const QUALIFIERS = [
  '',
  '',
  '',
  '',
  '',
  '',
  '-alpha-1',
  '-alpha2',
  '-beta-1',
  '-b3',
  '-rc1',
  '-RC2',
  '-cr1',
  '-M1',
  '-m4',
  '.Final',
  '-SNAPSHOT',
  '-jre',
  '-sp1',
  '.RELEASE',
];

/**
 * `count` distinct version texts in a random (deploy-like) order, seeded so that every run orders
 * the same list: two to four numeric parts and now and then a qualifier.
 */
export function versionMix(count: number, seed: number): string[] {
  const random = new Random(seed);
  const versions = new Set<string>();
  while (versions.size < count) {
    const parts = [random.int(0, 30), random.int(0, 40)];
    if (random.chance(0.7)) parts.push(random.int(0, 60));
    if (random.chance(0.05)) parts.push(random.int(1, 9));
    versions.add(`${parts.join('.')}${random.pick(QUALIFIERS)}`);
  }
  return [...versions];
}
