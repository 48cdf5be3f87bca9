import path from 'node:path';
import { describeInChromium, focusedText, scrollsHorizontally, seriousAccessibilityFindings, useBrowserSuite } from './support/browser';
import { DATABASE_KINDS } from './support/databases';
import { listOf, startJsonRepository } from './support/json-repository';
import { JobConsoleStore } from '../server/src/pipelines/jobs/job-console-store';
import { finishStage, GATED_RELEASE, startStageJobs, storePipeline } from './support/pipeline-runs';

describeInChromium('the web UI in Chromium', () => {
  describe.each(DATABASE_KINDS)('[%s]', (kind) => {
    const ui = useBrowserSuite(kind, {
      versions: ['1.0.0'],
      async prepare({ baton }) {
        await storePipeline(baton, GATED_RELEASE);
        // Stored between them by name, so that their group comes first unless groups are put in name order.
        for (const name of ['nightly-audit', 'a-nightly-check']) await storePipeline(baton, { ...GATED_RELEASE, name, group: 'zz-nightly' });
        expect((await baton.api.post('/api/pipelines/gated-release/runs')).status).toBe(201);
        await finishStage(baton, 'gated-release', 1, 'build', 'passed');
      },
    });

    const stageCell = (run: string, stage: string) =>
      ui.page
        .getByRole('list', { name: `Stages of run ${run}` })
        .getByRole('listitem')
        .filter({ hasText: stage });

    it('loads under its CSP, with no console errors, and answers client routes with the app', async () => {
      const response = await ui.page.goto(`${ui.baton.url}/pipelines/gated-release/runs/1`);
      await ui.page.getByRole('heading', { name: 'Sign in to Baton' }).waitFor();

      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
      expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(ui.errors).toEqual([]);
    });

    it('loads hashed assets that are cached for good', async () => {
      const assets: { url: string; cache: string | undefined }[] = [];
      ui.page.on('response', (r) => {
        if (new URL(r.url()).pathname.startsWith('/assets/')) assets.push({ url: r.url(), cache: r.headers()['cache-control'] });
      });

      await ui.page.goto(`${ui.baton.url}/`);
      await ui.page.getByRole('heading', { name: 'Sign in to Baton' }).waitFor();

      expect(assets.map((a) => path.extname(a.url)).sort()).toEqual(['.css', '.js']);
      for (const asset of assets) expect(asset.cache).toBe('public, max-age=31536000, immutable');
    });

    it('keeps unknown API paths a problem document', async () => {
      const response = await ui.page.request.get(`${ui.baton.url}/api/unknown`, { headers: { Authorization: `Bearer ${ui.baton.adminToken}` } });

      expect(response.status()).toBe(404);
      expect(response.headers()['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('shows a refused token where it was typed', async () => {
      await ui.page.goto(`${ui.baton.url}/`);

      await ui.page.getByLabel('API token').fill('not-a-token');
      await ui.page.getByRole('button', { name: 'Sign in' }).click();

      await ui.page.getByRole('alert').filter({ hasText: 'The API token is not valid' }).waitFor();
      expect(await ui.page.getByRole('heading', { name: 'Sign in to Baton' }).isVisible()).toBe(true);
    });

    it('signs in, shows the pipeline, follows a stage finishing, approves, and signs out', async () => {
      await ui.signIn(ui.baton.adminToken);

      expect(await ui.page.locator('.who').textContent()).toContain('(admin)');
      await ui.page.getByRole('heading', { name: 'gated-release' }).waitFor();
      expect(await stageCell('1', 'build').textContent()).toContain('Passed');
      expect(await ui.page.getByRole('list', { name: 'Package revisions of run 1' }).textContent()).toContain('1.0.0');
      await ui.page.getByText('Live: this page updates as things change.').waitFor();

      await finishStage(ui.baton, 'gated-release', 1, 'qa', 'passed');
      const approve = ui.page.getByRole('button', { name: 'Approve production of gated-release run 1' });
      await approve.waitFor();
      expect(await stageCell('1', 'qa').textContent()).toContain('Passed');
      expect(await stageCell('1', 'production').textContent()).toContain('Waiting for approval');

      await approve.click();
      await approve.waitFor({ state: 'detached' });
      expect((await ui.baton.api.get('/api/pipelines/gated-release/runs/1')).body.stages[2].approved_by).not.toBeNull();
      expect(await stageCell('1', 'production').textContent()).not.toContain('Waiting for approval');

      await ui.page.getByRole('button', { name: 'Sign out' }).click();
      await ui.page.getByRole('heading', { name: 'Sign in to Baton' }).waitFor();
      await ui.page.reload();
      await ui.page.getByRole('heading', { name: 'Sign in to Baton' }).waitFor();
      expect(ui.errors).toEqual([]);
    });

    it('shows a run: its cause, its stages, and a running job’s console followed until the job ends', async () => {
      const counter = (await ui.baton.api.post('/api/pipelines/gated-release/runs')).body.counter as number;
      const compile = (await startStageJobs(ui.baton, 'gated-release', counter, 'build')).get('compile')!;
      const jobConsole = ui.baton.server.dependencies.resolve(JobConsoleStore);
      await jobConsole.append(compile, 'step one\n');
      await ui.signIn(ui.baton.adminToken);

      await ui.page.getByRole('link', { name: `Run ${counter}`, exact: true }).click();
      await ui.page.getByRole('heading', { name: `gated-release run ${counter}` }).waitFor();
      const log = ui.page.getByLabel('Console of build/compile');
      await log.getByText('step one').waitFor();
      await ui.page.getByText('Following the console while the job runs…').waitFor();
      await jobConsole.append(compile, 'step two\n');
      await log.getByText('step two').waitFor();
      await finishStage(ui.baton, 'gated-release', counter, 'build', 'passed');

      await ui.page.getByText('Console complete.').waitFor();
      await ui.page.getByRole('button', { name: `Rerun build of gated-release run ${counter}` }).waitFor();
      expect(await ui.page.getByRole('region', { name: 'Build cause' }).textContent()).toContain('1.0.0');
      expect(await ui.page.getByRole('region', { name: 'Build cause' }).textContent()).toContain('Triggered by');
      expect(await seriousAccessibilityFindings(ui.page)).toEqual([]);
      await ui.page.setViewportSize({ width: 640, height: 800 });
      expect(await scrollsHorizontally(ui.page)).toBe(false);
      expect(ui.errors).toEqual([]);
    });

    it('offers a viewer no Approve button', async () => {
      const second = (await ui.baton.api.post('/api/pipelines/gated-release/runs')).body.counter as number;
      await finishStage(ui.baton, 'gated-release', second, 'build', 'passed');
      await finishStage(ui.baton, 'gated-release', second, 'qa', 'passed');

      await ui.signIn(ui.viewerToken);

      expect(await ui.page.locator('.who').textContent()).toContain('onlooker (viewer)');
      await stageCell(String(second), 'production').filter({ hasText: 'Waiting for approval' }).waitFor();
      expect(await ui.page.getByRole('button', { name: /^Approve/ }).count()).toBe(0);
    });

    it('shows the plugins, with Restart for an admin only', async () => {
      await ui.signIn(ui.baton.adminToken);
      await ui.page.getByRole('link', { name: 'Plugins' }).click();
      const plugin = ui.page.getByRole('region', { name: /json-file/ });
      await plugin.waitFor();

      expect(await plugin.textContent()).toContain('OK');
      await plugin.getByRole('button', { name: /^Restart/ }).click();
      await plugin
        .getByRole('button', { name: /^Restart/ })
        .filter({ hasText: 'Restart' })
        .waitFor();
      expect(await plugin.getByRole('alert').count()).toBe(0);
      expect(await scrollsHorizontally(ui.page)).toBe(false);
      expect(await seriousAccessibilityFindings(ui.page)).toEqual([]);

      await ui.page.getByRole('button', { name: 'Sign out' }).click();
      await ui.page.getByLabel('API token').fill(ui.viewerToken);
      await ui.page.getByRole('button', { name: 'Sign in' }).click();
      await ui.page.getByRole('heading', { name: 'Plugins' }).waitFor();
      await ui.page.getByRole('region', { name: /json-file/ }).waitFor();
      expect(await ui.page.getByRole('button', { name: /^Restart/ }).count()).toBe(0);
      expect(ui.errors).toEqual([]);
    });

    it('shows repositories with poll health and latest revision, polls on request, and follows new revisions live', async () => {
      await ui.signIn(ui.baton.adminToken);
      await ui.page.getByRole('link', { name: 'Repositories' }).click();
      const app = ui.page.getByRole('list', { name: 'Packages of upstream' }).getByRole('listitem');
      await app.locator('code', { hasText: '1.0.0' }).waitFor();
      await ui.page.getByText('Live: this page updates as things change.').waitFor();
      expect(await app.textContent()).toContain('Automatic polling off');

      ui.upstream.publish(listOf('app', '1.0.0', '1.1.0'));
      await app.getByRole('button', { name: 'Poll now app' }).click();
      await app.getByText('New revision 1.1.0').waitFor();
      await app.locator('code', { hasText: '1.1.0' }).waitFor();

      ui.upstream.publish(listOf('app', '1.0.0', '1.1.0', '1.2.0'));
      expect((await ui.baton.api.post(`/api/packages/${ui.packageId}/poll?wait=120`)).body.outcome).toBe('new_revision');
      await app.locator('code', { hasText: '1.2.0' }).waitFor();
      expect(await scrollsHorizontally(ui.page)).toBe(false);
      expect(await seriousAccessibilityFindings(ui.page)).toEqual([]);
      expect(ui.errors).toEqual([]);
    });

    it('adds a repository and a package through the forms made from the plugin’s schema, and never shows a secure value', async () => {
      const second = await startJsonRepository(listOf('tool', '2.0.0'));
      try {
        await ui.signIn(ui.baton.adminToken);
        await ui.page.getByRole('link', { name: 'Repositories' }).click();
        await ui.page.getByText('Add a repository').click();
        const form = ui.page.getByRole('form', { name: 'New repository' });
        await form.getByLabel('Name (required)', { exact: true }).fill('catalogue');
        await form.getByLabel('Package list URL').fill('not a url');
        await form.getByRole('button', { name: 'Add repository' }).click();
        await form.locator('#new-repository-URL-error', { hasText: 'must be a URL' }).waitFor();

        await form.getByLabel('Package list URL').fill(second.url);
        await form.getByLabel('User name').fill('reader');
        await form.getByLabel('Password').fill('pw-never-shown');
        await form.getByRole('button', { name: 'Check connection' }).click();
        await form.getByText('✓ Connection OK').waitFor();
        await form.getByRole('button', { name: 'Add repository' }).click();
        await ui.page.getByRole('heading', { name: 'catalogue (json-file)' }).waitFor();
        await ui.page.getByText('Add a package to catalogue').click();
        const pkg = ui.page.getByRole('form', { name: 'New package in catalogue' });
        await pkg.getByLabel('Name (required)', { exact: true }).fill('tool');
        await pkg.getByLabel('Package name').fill('tool');
        await pkg.getByRole('button', { name: 'Add package' }).click();

        await ui.page.getByRole('list', { name: 'Packages of catalogue' }).locator('code', { hasText: '2.0.0' }).waitFor();
        await ui.page.getByText('Revision history of tool').click();
        await ui.page.getByRole('list', { name: 'Revisions of tool' }).getByRole('listitem').filter({ hasText: '2.0.0' }).locator('dt').first().waitFor();
        const stored = (await ui.baton.api.get('/api/repositories')).body.repositories.find((r: { name: string }) => r.name === 'catalogue');
        const password = (entries: { key: string; encrypted_value?: string }[]) => entries.find((e) => e.key === 'PASSWORD')?.encrypted_value;
        await ui.page.getByText('Edit catalogue').click();
        const edit = ui.page.getByRole('form', { name: 'Edit catalogue' });
        expect(await edit.getByLabel('Password').inputValue()).toBe('');
        expect(await ui.page.content()).not.toContain('pw-never-shown');
        expect(await ui.page.content()).not.toContain(password(stored.configuration));
        await edit.getByLabel('User name').fill('another-reader');
        await edit.getByRole('button', { name: 'Save repository' }).click();
        await edit.getByText('Saved.').waitFor();
        const saved = (await ui.baton.api.get(`/api/repositories/${stored.id}`)).body;
        expect(await edit.getByRole('alert').count()).toBe(0);
        expect(saved.configuration).toContainEqual({ key: 'USERNAME', value: 'another-reader' });
        expect(password(saved.configuration)).toBe(password(stored.configuration));
        expect(await seriousAccessibilityFindings(ui.page)).toEqual([]);
        await ui.page.setViewportSize({ width: 640, height: 800 });
        expect(await scrollsHorizontally(ui.page)).toBe(false);
        // The browser reports the refused first attempt (422); nothing else went wrong.
        expect(ui.errors).toEqual([expect.stringContaining('422 (Unprocessable Entity)')]);
      } finally {
        await second.close();
      }
    });

    it('shows the audit log to an admin, and neither the link nor the entries to a viewer', async () => {
      await ui.signIn(ui.baton.adminToken);
      await ui.page.getByRole('link', { name: 'Audit' }).click();
      const entries = ui.page.getByRole('list', { name: 'Audit entries' });

      await entries.getByRole('listitem').filter({ hasText: 'repository' }).first().waitFor();
      expect(await seriousAccessibilityFindings(ui.page)).toEqual([]);
      await ui.page.setViewportSize({ width: 640, height: 800 });
      expect(await scrollsHorizontally(ui.page)).toBe(false);
      await ui.page.getByRole('button', { name: 'Sign out' }).click();
      await ui.page.getByLabel('API token').fill(ui.viewerToken);
      await ui.page.getByRole('button', { name: 'Sign in' }).click();
      await ui.page.getByRole('alert').waitFor();
      expect(await ui.page.getByRole('link', { name: 'Audit' }).count()).toBe(0);
      expect(await entries.count()).toBe(0);
    });

    it('offers a viewer no Poll now', async () => {
      await ui.signIn(ui.viewerToken);
      await ui.page.getByRole('link', { name: 'Repositories' }).click();

      await ui.page.getByRole('list', { name: 'Packages of upstream' }).waitFor();

      expect(await ui.page.getByRole('button', { name: /^Poll now/ }).count()).toBe(0);
    });

    it('filters pipelines by name', async () => {
      await ui.signIn(ui.viewerToken);
      await ui.page.getByRole('heading', { name: 'gated-release' }).waitFor();

      await ui.page.getByLabel('Filter pipelines by name').fill('nothing-like-it');

      await ui.page.getByText("No pipeline's name contains “nothing-like-it”.").waitFor();
      expect(await ui.page.getByRole('heading', { name: 'gated-release' }).count()).toBe(0);
    });

    it('shows a pipeline paused and unpaused as it happens, without a reload', async () => {
      await ui.signIn(ui.viewerToken);
      const pipeline = ui.page.getByRole('region', { name: 'gated-release', exact: true });
      await pipeline.getByRole('heading', { name: 'gated-release' }).waitFor();
      await ui.page.getByText('Live: this page updates as things change.').waitFor();
      expect(await pipeline.getByText(/^Paused by/).count()).toBe(0);

      expect((await ui.baton.api.post('/api/pipelines/gated-release/pause', { reason: 'database migration' })).status).toBe(200);
      const note = pipeline.getByText(/^Paused by/);
      try {
        await note.waitFor();
        const by = (await ui.baton.api.get('/api/pipelines/gated-release')).body.status.paused.by as string;
        expect(await note.textContent()).toBe(`Paused by ${by}: database migration`);
      } finally {
        expect((await ui.baton.api.post('/api/pipelines/gated-release/unpause')).status).toBe(200);
      }
      await note.waitFor({ state: 'detached' });
      expect(ui.errors).toEqual([]);
    });

    it('lists pipelines under their group’s heading, groups and pipelines in name order, and hides groups the filter empties', async () => {
      await ui.signIn(ui.viewerToken);
      await ui.page.getByRole('heading', { name: 'gated-release' }).waitFor();
      const groupHeadings = () => ui.page.getByRole('heading', { level: 2 }).allTextContents();
      const pipelinesOf = (group: string) => ui.page.getByRole('region', { name: group, exact: true }).getByRole('heading', { level: 3 }).allTextContents();

      expect(await groupHeadings()).toEqual(['default', 'zz-nightly']);
      expect(await pipelinesOf('default')).toEqual(['gated-release']);
      expect(await pipelinesOf('zz-nightly')).toEqual(['a-nightly-check', 'nightly-audit']);
      await ui.page.getByLabel('Filter pipelines by name').fill('audit');
      await ui.page.getByRole('heading', { name: 'gated-release' }).waitFor({ state: 'detached' });
      expect(await groupHeadings()).toEqual(['zz-nightly']);
      expect(await pipelinesOf('zz-nightly')).toEqual(['nightly-audit']);
      await ui.page.getByLabel('Filter pipelines by name').fill('gated');
      await ui.page.getByRole('heading', { name: 'nightly-audit' }).waitFor({ state: 'detached' });
      expect(await groupHeadings()).toEqual(['default']);
      expect(await seriousAccessibilityFindings(ui.page)).toEqual([]);
      expect(ui.errors).toEqual([]);
    });

    it('does not scroll sideways at 640 px, signed out or in', async () => {
      await ui.page.setViewportSize({ width: 640, height: 800 });

      await ui.page.goto(`${ui.baton.url}/`);
      await ui.page.getByRole('heading', { name: 'Sign in to Baton' }).waitFor();
      expect(await scrollsHorizontally(ui.page)).toBe(false);
      await ui.signIn(ui.baton.adminToken);
      await ui.page.getByRole('heading', { name: 'gated-release' }).waitFor();
      expect(await scrollsHorizontally(ui.page)).toBe(false);
    });

    it('has no serious or critical accessibility findings on the sign-in page and the dashboard', async () => {
      await ui.page.goto(`${ui.baton.url}/`);
      await ui.page.getByRole('heading', { name: 'Sign in to Baton' }).waitFor();
      expect(await seriousAccessibilityFindings(ui.page)).toEqual([]);

      await ui.signIn(ui.baton.adminToken);
      await ui.page.getByRole('heading', { name: 'gated-release' }).waitFor();
      expect(await seriousAccessibilityFindings(ui.page)).toEqual([]);
    });

    it('is usable by keyboard: sign in with Enter, reach the navigation with Tab', async () => {
      await ui.page.goto(`${ui.baton.url}/`);
      await ui.page.getByLabel('API token').focus();

      await ui.page.keyboard.type(ui.baton.adminToken);
      await ui.page.keyboard.press('Enter');
      await ui.page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      await ui.page.keyboard.press('Tab');
      await ui.page.keyboard.press('Tab');

      expect(await focusedText(ui.page)).toBe('Dashboard');
    });
  });
});
