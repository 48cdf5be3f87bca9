import { defineConfig } from 'vite';

// Preact through esbuild's automatic JSX runtime: no Babel preset needed for a production build.
export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    // The budget check reads which files the first page loads from the manifest.
    manifest: true,
    // Browsers the UI supports all preload modules natively; the polyfill would only add bytes.
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
});
