import { InvalidInput } from '../domain-errors';
import { pageRequest } from './pagination';

describe('pageRequest', () => {
  it('reads limit and cursor as the query string gives them', () => {
    expect(pageRequest({ limit: '20', cursor: 'abc' })).toEqual({ limit: 20, cursor: 'abc' });
  });

  it('refuses a cursor given twice, naming the field, rather than reading it as text', () => {
    const read = () => pageRequest({ cursor: ['abc', 'def'] });

    expect(read).toThrow(InvalidInput);
    expect(read).toThrow(expect.objectContaining({ errors: { cursor: [expect.stringContaining('cursor must be given once')] } }));
  });
});
