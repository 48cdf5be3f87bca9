import { labelTokens, renderLabel } from './label-template';

describe('label templates', () => {
  const revisions = new Map([
    ['app', 'scrt-0.3.3-1.x86_64'],
    ['build-app', '12'],
  ]);

  it.each([
    ['${COUNT}', 7, '7'],
    ['${COUNT}-${app}', 7, '7-scrt-0.3.3-1.x86_64'],
    ['${app[:8]}/${COUNT}', 3, 'scrt-0.3/3'],
    ['release-${build-app}.${COUNT}', 4, 'release-12.4'],
    ['${app[:100]}', 1, 'scrt-0.3.3-1.x86_64'],
    ['no tokens', 9, 'no tokens'],
  ])('renders %s with counter %d as %s', (template, counter, expected) => {
    expect(renderLabel(template, counter, revisions)).toBe(expected);
  });

  it.each([
    ['${COUNT}', ['COUNT']],
    ['${COUNT}-${app[:4]}', ['COUNT', 'app']],
    ['${count}', ['count']],
    ['${app[:x]}', ['']],
    ['${}', ['']],
  ])('reads the tokens of %s', (template, names) => {
    expect(labelTokens(template).map((t) => t.name)).toEqual(names);
  });

  it('reads the length of a shortened reference', () => {
    expect(labelTokens('${app[:5]}')[0]).toEqual({ raw: '${app[:5]}', name: 'app', length: 5 });
  });
});
