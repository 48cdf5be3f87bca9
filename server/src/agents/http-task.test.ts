import { expandVariables } from './http-task';
import { TaskRefused } from './task-context';

describe('expandVariables', () => {
  const environment = { GO_PACKAGE_APP_LABEL: '1.2.3-1', TOKEN: 't0k3n', EMPTY: '' };

  it.each([
    ['no variables', 'plain text', 'plain text'],
    ['one variable', 'release ${GO_PACKAGE_APP_LABEL}', 'release 1.2.3-1'],
    ['two, side by side', '${TOKEN}${GO_PACKAGE_APP_LABEL}', 't0k3n1.2.3-1'],
    ['an empty value', '[${EMPTY}]', '[]'],
    ['an escaped one', 'literal $${TOKEN}', 'literal ${TOKEN}'],
    ['a dollar without braces', 'costs $5 or $TOKEN', 'costs $5 or $TOKEN'],
  ])('replaces %s', (_case, text, expected) => {
    expect(expandVariables(text, environment, 'body')).toBe(expected);
  });

  it.each([
    ['an unknown variable', '${NOPE}', 'body: the job has no variable NOPE'],
    ['a malformed name', '${1ABC}', "body: '${1ABC}' is not a variable name"],
    ['an empty name', 'x${}y', "body: '${}' is not a variable name"],
    ['a name every object has a member for', '${constructor}', 'body: the job has no variable constructor'],
    ['__proto__, which the job does not have', '${__proto__}', 'body: the job has no variable __proto__'],
  ])('refuses %s, naming the field', (_case, text, message) => {
    expect(() => expandVariables(text, environment, 'body')).toThrow(TaskRefused);
    expect(() => expandVariables(text, environment, 'body')).toThrow(message);
  });
});
