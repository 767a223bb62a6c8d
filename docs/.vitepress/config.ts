import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type DefaultTheme } from 'vitepress';

const docs = fileURLToPath(new URL('..', import.meta.url));
const has = (page: string) => existsSync(`${docs}/${page}.md`);

/** Title of a markdown page: its first `# ` heading. */
const titleOf = (page: string): string => {
  const heading = readFileSync(`${docs}/${page}.md`, 'utf8').match(/^# (.+)$/m)?.[1] ?? page;
  return heading.replace(/`/g, '');
};

/** Sidebar items for the pages that exist: other teams' pages appear as soon as they land. */
const pages = (list: string[]): DefaultTheme.SidebarItem[] =>
  list.filter(has).map((page) => ({ text: titleOf(page), link: `/${page}` }));

const packagePages = readdirSync(`${docs}/packages`)
  .filter((f) => f.endsWith('.md'))
  .map((f) => `packages/${f.slice(0, -3)}`)
  .sort();
const examplePages = readdirSync(`${docs}/examples`)
  .filter((f) => f.endsWith('.md'))
  .map((f) => `examples/${f.slice(0, -3)}`)
  .sort();

// Written by `typedoc-vitepress-theme` when `pnpm docs:api` runs; absent until then.
const apiSidebarFile = `${docs}/api/typedoc-sidebar.json`;
const apiModules: DefaultTheme.SidebarItem[] = existsSync(apiSidebarFile) ? JSON.parse(readFileSync(apiSidebarFile, 'utf8')) : [];
// One link per entry point everywhere; a module's members only on that module's pages. (Every
// page carries its sidebar in its HTML: all ~600 API links on every page made a 200 MB site.)
const moduleLinks: DefaultTheme.SidebarItem[] = apiModules.map(({ text, link }) => ({ text, link }));

const mainSidebar: DefaultTheme.SidebarItem[] = [
  {
    text: 'Guide',
    items: pages([
      'getting-started',
      'testing-your-code',
      'browser',
      'cli',
      'bad-inputs',
      'reliability',
      'performance',
      'dicom',
      'keras-h5',
      'decisions',
      'releasing',
    ]),
  },
  { text: 'Packages', collapsed: false, items: pages(packagePages) },
  { text: 'Article reproductions', collapsed: false, items: pages(examplePages) },
  { text: 'API reference', collapsed: true, link: '/api/', items: moduleLinks },
];

export default defineConfig({
  title: 'cxr',
  description: 'Chest X-ray classification for TypeScript, on TensorFlow.js',
  cleanUrls: true,
  lastUpdated: false,
  // Site data (with every API sidebar) and the page hash map go to one shared chunk instead of into
  // each of the ~600 HTML files.
  metaChunk: true,
  // The site is built and read offline: no web fonts, no external search.
  srcExclude: ['snippets/**', '**/README.md'],
  ignoreDeadLinks: [
    // Pages link to repository files (sources, package READMEs) that are not part of the site.
    /^\.\.?\/(\.\.\/)*(packages|examples|bench|scripts|\.changeset)\//,
    /^\.\.\/README/,
  ],
  themeConfig: {
    search: { provider: 'local' },
    nav: [
      { text: 'Guide', link: '/getting-started' },
      { text: 'Packages', link: '/packages/core' },
      { text: 'Articles', link: '/examples/000-pytorch-cnn' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: {
      ...Object.fromEntries(
        apiModules
          .filter((m) => m.link)
          .map((m) => [m.link!, [{ text: m.text, link: m.link, items: m.items ?? [] }, { text: 'All entry points', collapsed: true, items: moduleLinks }]]),
      ),
      '/': mainSidebar,
    },
    outline: [2, 3],
    footer: { message: 'Research and education only — not for clinical use. MIT licensed.' },
  },
});
