import type { Random } from '../polling/random';

const SYLLABLES = [
  'ab',
  'ac',
  'al',
  'an',
  'ar',
  'as',
  'ba',
  'bi',
  'bo',
  'ca',
  'co',
  'cu',
  'da',
  'de',
  'di',
  'du',
  'el',
  'en',
  'er',
  'ex',
  'fa',
  'fi',
  'fo',
  'ga',
  'ge',
  'go',
  'ha',
  'he',
  'hu',
  'id',
  'in',
  'io',
  'ja',
  'ka',
  'ki',
  'ko',
  'la',
  'le',
  'li',
  'lo',
  'ma',
  'me',
  'mi',
  'mo',
  'mu',
  'na',
  'ne',
  'ni',
  'no',
  'nu',
  'ob',
  'om',
  'on',
  'pa',
  'pe',
  'pi',
  'po',
  'qu',
  'ra',
  're',
  'ri',
  'ro',
  'ru',
  'sa',
  'se',
  'si',
  'so',
  'su',
  'ta',
  'te',
  'ti',
  'to',
  'tu',
  'ul',
  'um',
  'un',
  'ur',
  'va',
  've',
  'vi',
  'vo',
  'wa',
  'xa',
  'xi',
  'yo',
  'za',
  'ze',
  'zo',
];

const WORDS = [
  'library',
  'tool',
  'utility',
  'daemon',
  'server',
  'client',
  'module',
  'bindings',
  'parser',
  'format',
  'data',
  'file',
  'network',
  'protocol',
  'system',
  'kernel',
  'interface',
  'graphical',
  'command',
  'line',
  'support',
  'for',
  'the',
  'and',
  'with',
  'a',
  'an',
  'of',
  'to',
  'in',
  'is',
  'that',
  'provides',
  'implementation',
  'fast',
  'small',
  'portable',
  'secure',
  'compression',
  'encryption',
  'images',
  'audio',
  'video',
  'fonts',
  'documentation',
  'development',
  'headers',
  'static',
  'shared',
  'plugin',
  'extension',
  'framework',
  'toolkit',
  'engine',
  'runtime',
  'compiler',
  'interpreter',
  'language',
  'database',
  'driver',
  'backend',
  'frontend',
  'configuration',
  'service',
  'monitoring',
  'logging',
  'testing',
  'build',
  'package',
  'manager',
  'archive',
  'terminal',
  'editor',
  'viewer',
  'converter',
  'generator',
  'scanner',
  'resolver',
  'cache',
  'queue',
  'stream',
  'buffer',
  'memory',
  'thread',
  'process',
  'signal',
  'socket',
  'device',
  'hardware',
  'printer',
  'scanner',
  'camera',
  'wireless',
  'bluetooth',
  'storage',
  'filesystem',
  'volume',
  'partition',
  'backup',
  'restore',
  'mirror',
  'sync',
  'remote',
  'local',
  'virtual',
  'container',
  'cluster',
  'node',
  'graph',
  'matrix',
  'vector',
  'numeric',
  'scientific',
  'statistics',
  'machine',
  'learning',
  'text',
  'unicode',
  'locale',
  'translation',
  'spelling',
  'dictionary',
  'calendar',
  'mail',
  'chat',
  'web',
  'browser',
  'http',
  'json',
  'xml',
  'yaml',
  'markup',
  'template',
  'rendering',
  'layout',
  'widget',
  'theme',
  'icon',
  'sound',
  'game',
  'emulator',
  'simulation',
  'geometry',
  'physics',
];

const LICENSES = [
  'MIT',
  'GPL-2.0-or-later',
  'GPL-3.0-or-later',
  'LGPL-2.1-or-later',
  'Apache-2.0',
  'BSD-3-Clause',
  'MPL-2.0',
  'ISC',
  'Artistic-1.0-Perl OR GPL-1.0-or-later',
  'MIT AND Apache-2.0',
];

/** A lowercase word made of 2 to 4 syllables. */
export function stem(random: Random): string {
  let out = '';
  for (let i = random.int(2, 4); i > 0; i -= 1) out += random.pick(SYLLABLES);
  return out;
}

export function word(random: Random): string {
  return random.pick(WORDS);
}

export function license(random: Random): string {
  return random.pick(LICENSES);
}

export function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A one-line summary of 3 to 8 words. */
export function summary(random: Random): string {
  const words = Array.from({ length: random.int(3, 8) }, () => word(random));
  return capitalized(words.join(' '));
}

/**
 * A description of 2 to 7 sentences wrapped at 76 columns, as spec files have them; now and then
 * with characters that the XML must escape, as real descriptions do.
 */
export function description(random: Random): string {
  const sentences: string[] = [];
  for (let s = random.int(2, 7); s > 0; s -= 1) {
    const words = Array.from({ length: random.int(6, 16) }, () => word(random));
    if (random.chance(0.05)) words.push('<options>');
    if (random.chance(0.05)) words.splice(2, 0, '&');
    sentences.push(`${capitalized(words.join(' '))}.`);
  }
  return wrap(sentences.join(' '), 76);
}

function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const piece of text.split(' ')) {
    if (line !== '' && line.length + 1 + piece.length > width) {
      lines.push(line);
      line = piece;
    } else {
      line = line === '' ? piece : `${line} ${piece}`;
    }
  }
  lines.push(line);
  return lines.join('\n');
}
