import path from 'node:path';
import { loadSettings, SettingsError } from './settings';

describe('loadSettings: configuration folder and the built-in agent', () => {
  it('applies the documented defaults, with the work folder beside the data folder and named after it', () => {
    const settings = loadSettings({ BATON_DATA_DIR: '/srv/baton/data' }, '/opt/baton');

    expect(settings).toMatchObject({
      configDir: null,
      workDir: '/srv/baton/data-work',
      agentConcurrency: 2,
      localAgent: true,
      jobLeaseSeconds: 60,
      keepJobFolders: false,
    });
  });

  it('reads the variables it is given', () => {
    const settings = loadSettings({
      BATON_DATA_DIR: '/srv/baton/data',
      BATON_CONFIG_DIR: 'pipelines',
      BATON_WORK_DIR: '/scratch/jobs',
      BATON_AGENT_CONCURRENCY: '64',
      BATON_LOCAL_AGENT: 'false',
      BATON_JOB_LEASE_SECONDS: '300',
      BATON_KEEP_JOB_FOLDERS: 'true',
    });

    expect(settings).toMatchObject({
      configDir: path.resolve('pipelines'),
      workDir: '/scratch/jobs',
      agentConcurrency: 64,
      localAgent: false,
      jobLeaseSeconds: 300,
      keepJobFolders: true,
    });
  });

  it.each<[string, Record<string, string>, string]>([
    ['a work folder inside the data folder', { BATON_DATA_DIR: '/srv/baton/data', BATON_WORK_DIR: '/srv/baton/data/work' }, 'BATON_WORK_DIR'],
    ['the data folder itself as work folder', { BATON_DATA_DIR: '/srv/baton/data', BATON_WORK_DIR: '/srv/baton/data' }, 'BATON_WORK_DIR'],
    ['a work folder holding the data folder', { BATON_DATA_DIR: '/srv/baton/data', BATON_WORK_DIR: '/srv/baton' }, 'BATON_WORK_DIR'],
    ['a job lease shorter than two seconds', { BATON_JOB_LEASE_SECONDS: '1' }, 'BATON_JOB_LEASE_SECONDS'],
    ['no agent slot', { BATON_AGENT_CONCURRENCY: '0' }, 'BATON_AGENT_CONCURRENCY'],
    ['too many agent slots', { BATON_AGENT_CONCURRENCY: '65' }, 'BATON_AGENT_CONCURRENCY'],
    ['a local agent flag that is not a boolean', { BATON_LOCAL_AGENT: 'maybe' }, 'BATON_LOCAL_AGENT'],
  ])('refuses %s, naming the variable', (_case, env, variable) => {
    expect(() => loadSettings(env)).toThrow(SettingsError);
    expect(() => loadSettings(env)).toThrow(variable);
  });

  it('accepts a work folder whose name merely starts like the data folder', () => {
    const settings = loadSettings({ BATON_DATA_DIR: '/srv/baton/data', BATON_WORK_DIR: '/srv/baton/data-work' });

    expect(settings.workDir).toBe('/srv/baton/data-work');
  });
});
