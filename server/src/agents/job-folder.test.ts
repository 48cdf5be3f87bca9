import path from 'node:path';
import { insideJobFolder, jobFolder } from './job-folder';
import { TaskRefused } from './task-context';

describe('jobFolder', () => {
  it('gives each attempt of a job its own folder', () => {
    expect(jobFolder('/work', { pipeline: 'app-release', counter: 7, stage: 'qa', stageCounter: 2, job: 'smoke' })).toBe(
      path.join('/work', 'app-release', '7', 'qa-2', 'smoke'),
    );
  });

  it('never climbs out of the work folder through a name', () => {
    expect(jobFolder('/work', { pipeline: '..', counter: 1, stage: '.', stageCounter: 1, job: 'a/b' })).toBe(path.join('/work', '_..', '1', '_.-1', 'a_b'));
  });
});

describe('insideJobFolder', () => {
  it.each([
    [undefined, '/job'],
    ['.', '/job'],
    ['src/app', '/job/src/app'],
    ['a/../b', '/job/b'],
  ])('resolves %j inside the folder', (relative, expected) => {
    expect(insideJobFolder('/job', relative, 'working_directory')).toBe(expected);
  });

  it.each([['..'], ['../other'], ['/etc'], ['a/../../b']])('refuses %s', (relative) => {
    expect(() => insideJobFolder('/job', relative, 'working_directory')).toThrow(TaskRefused);
  });
});
