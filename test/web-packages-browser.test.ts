import type { Request } from 'playwright-core';
import { describeInChromium, scrollsHorizontally, seriousAccessibilityFindings, useBrowserSuite } from './support/browser';
import { DATABASE_KINDS } from './support/databases';
import { listOf } from './support/json-repository';

describeInChromium('package forms in Chromium', () => {
  describe.each(DATABASE_KINDS)('[%s]', (kind) => {
    const ui = useBrowserSuite(kind, {
      versions: ['1.0.0'],
      async prepare({ upstream }) {
        upstream.publish({ packages: { ...listOf('app', '1.0.0').packages, ...listOf('tool', '3.1.0').packages } });
      },
    });

    const openRepositories = async () => {
      await ui.signIn(ui.baton.adminToken, '/repositories');
      await ui.page.getByRole('list', { name: 'Packages of upstream' }).locator('code', { hasText: '1.0.0' }).waitFor();
    };
    const openEdit = async () => {
      await ui.page.getByText('Edit package app').click();
      const form = ui.page.getByRole('form', { name: 'Edit package app' });
      await form.getByLabel('Package name').waitFor();
      return form;
    };
    const storedApp = async () => (await ui.baton.api.get(`/api/packages/${ui.packageId}`)).body;

    it('checks a new package’s connection as entered, and adds it sending only the settings that were set', async () => {
      const sent: Request[] = [];
      ui.page.on('request', (r) => {
        if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/packages') sent.push(r);
      });
      await openRepositories();
      await ui.page.getByText('Add a package to upstream').click();
      const form = ui.page.getByRole('form', { name: 'New package in upstream' });

      await form.getByLabel('Name (required)', { exact: true }).fill('tool');
      await form.getByLabel('Package name').fill('not-listed');
      await form.getByRole('button', { name: 'Check connection' }).click();
      await form.getByText('✕ Connection failed').waitFor();
      await form.getByLabel('Package name').fill('tool');
      await form.getByRole('button', { name: 'Check connection' }).click();
      await form.getByText('✓ Connection OK').waitFor();
      expect(await form.getByText('Latest revision:').textContent()).toContain('3.1.0');
      expect((await ui.baton.api.get('/api/packages')).body.packages.map((p: { name: string }) => p.name)).toEqual(['app']);
      await form.getByRole('button', { name: 'Add package' }).click();

      await ui.page.getByRole('list', { name: 'Packages of upstream' }).getByText('Edit package tool').waitFor();
      expect(sent.map((r) => r.postDataJSON())).toEqual([{ name: 'tool', repository_id: expect.any(String), configuration: [{ key: 'NAME', value: 'tool' }] }]);
      const added = (await ui.baton.api.get('/api/packages')).body.packages.find((p: { name: string }) => p.name === 'tool');
      expect(added).toMatchObject({ auto_update: true, poll_interval_seconds: 60 });
      expect(await seriousAccessibilityFindings(ui.page)).toEqual([]);
      expect(ui.errors).toEqual([]);
    });

    it('edits a package’s polling settings, shows a field error beside its field, and checks the edited configuration', async () => {
      await openRepositories();
      const form = await openEdit();
      expect(await form.getByLabel('Package name').inputValue()).toBe('app');
      expect(await form.getByLabel('Poll automatically').isChecked()).toBe(false);
      expect(await form.getByLabel('Poll interval (seconds)').inputValue()).toBe('60');

      await form.getByLabel('Poll interval (seconds)').fill('1');
      await form.getByRole('button', { name: 'Save package' }).click();
      await form.locator(`#edit-package-${ui.packageId}-poll-interval-error`, { hasText: 'poll_interval_seconds must be a whole number' }).waitFor();
      await form.getByLabel('Package name').fill('gone-missing');
      await form.getByRole('button', { name: 'Check connection' }).click();
      await form.getByText('✕ Connection failed').waitFor();
      await form.getByLabel('Package name').fill('app');
      await form.getByLabel('Poll automatically').check();
      await form.getByLabel('Poll interval (seconds)').fill('120');
      await form.getByRole('button', { name: 'Save package' }).click();
      await form.getByText('Saved.').waitFor();

      expect(await storedApp()).toMatchObject({ name: 'app', auto_update: true, poll_interval_seconds: 120, configuration: [{ key: 'NAME', value: 'app' }] });
      expect(await seriousAccessibilityFindings(ui.page)).toEqual([]);
      await ui.page.setViewportSize({ width: 640, height: 800 });
      expect(await scrollsHorizontally(ui.page)).toBe(false);
      // The browser reports the refused first attempt (422); nothing else went wrong.
      expect(ui.errors).toEqual([expect.stringContaining('422 (Unprocessable Entity)')]);
    });

    it('refuses a save when someone changed the package after the form opened, says so, and keeps their change', async () => {
      await openRepositories();
      const form = await openEdit();
      const current = await ui.baton.api.get(`/api/packages/${ui.packageId}`);
      const theirs = {
        name: 'app',
        repository_id: current.body.repository_id,
        configuration: current.body.configuration,
        auto_update: false,
        poll_interval_seconds: 900,
      };
      expect((await ui.baton.api.put(`/api/packages/${ui.packageId}`, theirs, { headers: { 'if-match': current.headers.get('etag')! } })).status).toBe(200);

      await form.getByLabel('Poll interval (seconds)').fill('300');
      await form.getByRole('button', { name: 'Save package' }).click();

      await form.getByRole('alert').filter({ hasText: 'someone else changed package app after this form opened' }).waitFor();
      expect(await form.getByText('Saved.').count()).toBe(0);
      expect(await storedApp()).toMatchObject({ auto_update: false, poll_interval_seconds: 900 });
      expect(ui.errors).toEqual([expect.stringContaining('412 (Precondition Failed)')]);
    });
  });
});
