import { compareEvr, rpmvercmp } from '../src/version';

// rpm's own test vectors (a, b, expected sign).
const RPM_VECTORS: [string, string, number][] = [
  ['1.0', '1.0', 0],
  ['1.0', '2.0', -1],
  ['2.0.1', '2.0', 1],
  ['2.0.1a', '2.0.1', 1],
  ['5.5p1', '5.5p2', -1],
  ['5.5p10', '5.5p1', 1],
  ['10xyz', '10.1xyz', -1],
  ['xyz10', 'xyz10.1', -1],
  ['xyz.4', '8', -1],
  ['8', 'xyz.4', 1],
  ['xyz.4', '2', -1],
  ['5.6p1', '6.5p1', -1],
  ['6.0.rc1', '6.0', 1],
  ['10b2', '10a1', 1],
  ['10a2', '10b2', -1],
  ['1.0a', '1.0aa', -1],
  ['10.0001', '10.1', 0],
  ['10.0001', '10.0039', -1],
  ['4.999.9', '5.0', -1],
  ['20101121', '20101122', -1],
  ['2_0', '2.0', 0],
  ['a+', 'a_', 0],
  ['+a', '_a', 0],
  ['_+', '+_', 0],
  ['+', '_', 0],
  ['1.0~rc1', '1.0', -1],
  ['1.0~rc1', '1.0~rc2', -1],
  ['1.0~rc1~git123', '1.0~rc1', -1],
  ['1.0^', '1.0', 1],
  ['1.0^git1', '1.0', 1],
  ['1.0^git1', '1.0^git2', -1],
  ['1.0^git1', '1.01', -1],
  ['1.0^20160101', '1.0.1', -1],
];

describe('rpmvercmp', () => {
  it.each(RPM_VECTORS)('rpmvercmp(%s, %s) = %i', (a, b, expected) => {
    const forward = rpmvercmp(a, b);
    const backward = rpmvercmp(b, a);

    expect(forward).toBe(expected);
    expect(backward).toBe(0 - expected);
  });
});

describe('compareEvr', () => {
  it.each([
    [{ epoch: '1', version: '1.0', release: '1' }, { epoch: '0', version: '9.9', release: '9' }, 1, 'a higher epoch wins over any version'],
    [{ version: '1.0', release: '1' }, { epoch: '0', version: '1.0', release: '1' }, 0, 'a missing epoch is 0'],
    [{ epoch: '10', version: '1' }, { epoch: '9', version: '1' }, 1, 'epochs compare as numbers'],
    [{ version: '1.0', release: '2' }, { version: '1.0', release: '10' }, -1, 'releases compare with rpmvercmp'],
    [{ version: '1.0' }, { version: '1.0', release: '1' }, -1, 'a missing release sorts lower'],
    [{ version: '1.0', release: '' }, { version: '1.0' }, 0, 'two missing releases are equal'],
    [{ version: '2.0^git1', release: '1' }, { version: '2.0', release: '1' }, 1, 'a snapshot sorts after its release'],
  ])('compareEvr(%o, %o) = %i: %s', (a, b, expected, _why) => {
    const order = compareEvr(a, b);

    expect(order).toBe(expected);
  });
});
