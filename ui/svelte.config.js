import adapter from '@sveltejs/adapter-static';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  kit: {
    // A pure SPA: the gateway serves ui/build and answers unknown paths with 200.html.
    adapter: adapter({ pages: 'build', assets: 'build', fallback: '200.html', strict: true }),
    // Absolute asset URLs (/_app/...): the fallback page is served at any depth (/alerts/abc).
    paths: { relative: false },
  },
};

export default config;
