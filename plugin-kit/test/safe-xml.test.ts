import { MalformedXmlError, decodeXmlText } from '../src/xml-text';
import { parseSafeXml, xmlAll, xmlAttribute, xmlFirst, xmlText } from '../src/safe-xml';

const LIMITS = { maxBytes: 64 * 1024, maxDepth: 8 };
const read = (xml: string, limits = LIMITS) => parseSafeXml(Buffer.from(xml), limits);
const refusal = (xml: string, limits = LIMITS): unknown => {
  try {
    read(xml, limits);
    return new Error('read without complaint');
  } catch (error) {
    return error;
  }
};

describe('parseSafeXml', () => {
  it('reads elements, attributes and text, entities decoded strictly afterwards', () => {
    const doc = read('\uFEFF<?xml version="1.0"?><index><item name="a&amp;b">one &lt;1&gt;</item><item name="c">two</item></index>');

    const index = xmlFirst(doc['index']);
    const items = xmlAll(typeof index === 'object' ? index['item'] : undefined);

    expect(items.map((item) => [xmlAttribute(item, 'name'), xmlText(item)])).toEqual([
      ['a&b', 'one <1>'],
      ['c', 'two'],
    ]);
  });

  it.each([
    ['a DOCTYPE', '<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>', 'it has a <!DOCTYPE>, which is refused'],
    ['a lower-case doctype', '<!doctype x><x/>', 'it has a <!DOCTYPE>'],
    ['an element left open', '<index><item></index>', 'line 1'],
    ['nesting deeper than the cap', `${'<a>'.repeat(12)}${'</a>'.repeat(12)}`, 'it cannot be read'],
  ])('refuses %s with MalformedXmlError', (_case, xml, fragment) => {
    const error = refusal(xml);

    expect(error).toBeInstanceOf(MalformedXmlError);
    expect((error as Error).message).toContain(fragment);
  });

  it('refuses a document over the size cap before reading it', () => {
    const error = refusal(`<x>${'y'.repeat(2000)}</x>`, { maxBytes: 1000, maxDepth: 8 });

    expect(error).toMatchObject({ name: 'MalformedXmlError', message: 'it is larger than 1000 bytes' });
  });

  it('refuses an entity that no DTD could have declared when its text is read', () => {
    const doc = read('<x>&custom;</x>');

    expect(() => xmlText(xmlFirst(doc['x']))).toThrow(new MalformedXmlError('unknown entity &custom;'));
  });
});

describe('decodeXmlText', () => {
  it.each([
    ['A &lt;b&gt; &#233;&#x41;', 'A <b> éA'],
    ['plain', 'plain'],
  ])('decodes %s', (text, expected) => {
    expect(decodeXmlText(text)).toBe(expected);
  });

  it.each(['a & b', '&#0;', '&#xD800;', '&nbsp;'])('refuses %s', (text) => {
    expect(() => decodeXmlText(text)).toThrow(MalformedXmlError);
  });
});
