// Builds selfdirect's front-end into src/selfdirect/static/dist/ (build output, not in git).
//
//   npm ci && npm run build
//
// No bundler: Sass compiles the stylesheet, and the rest is copied as the packages ship it.
// The build fails if the stylesheet would load GDS Transport or refer to a file that
// is not in dist/ (Django's manifest storage fails collectstatic on such a reference).

import { copyFileSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const modules = join(root, 'node_modules')
const out = join(root, 'src', 'selfdirect', 'static', 'dist')
const STATIC_URL = '/static/'
const started = performance.now()
const written = []

function fail (message) {
  console.error(`frontend build failed: ${message}`)
  process.exit(1)
}

function write (path, contents) {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, contents)
  written.push(path)
}

function copy (from, to) {
  if (!existsSync(from)) fail(`${relative(root, from)} is missing: run "npm ci" first.`)
  mkdirSync(dirname(to), { recursive: true })
  copyFileSync(from, to)
  written.push(to)
}

if (!existsSync(join(modules, 'govuk-frontend'))) fail('node_modules is missing: run "npm ci" first.')

// Start clean, so that nothing from an older build (or an older govuk-frontend) lingers.
rmSync(out, { recursive: true, force: true })

// 1. The stylesheet.
let css
try {
  css = sass.compile(join(root, 'frontend', 'selfdirect.scss'), {
    style: 'compressed',
    quietDeps: true,
    importers: [new sass.NodePackageImporter(root)],
    functions: {
      // $govuk-image-url-function in selfdirect.scss. GOV.UK Frontend's only images are
      // the crown and the Royal Arms, which we may not use: returning null makes Sass
      // drop the declaration that would have loaded one.
      'selfdirect-omitted-image($filename)': () => sass.sassNull
    }
  }).css
} catch (error) {
  fail(error.message)
}
if (/GDS Transport|@font-face/i.test(css)) fail('the CSS would load GDS Transport (or another web font).')
write(join(out, 'selfdirect.css'), css + '\n')

// 2. Scripts, as the packages ship them. The source map goes along with
// govuk-frontend.min.js because the file ends with a sourceMappingURL comment,
// which Django's ManifestStaticFilesStorage resolves during collectstatic.
const govuk = join(modules, 'govuk-frontend', 'dist', 'govuk')
copy(join(govuk, 'govuk-frontend.min.js'), join(out, 'govuk-frontend.min.js'))
copy(join(govuk, 'govuk-frontend.min.js.map'), join(out, 'govuk-frontend.min.js.map'))
copy(join(modules, 'htmx.org', 'dist', 'htmx.min.js'), join(out, 'htmx.min.js'))

// 3. Assets. Nothing is copied from govuk-frontend's dist/govuk/assets/:
//    - fonts/ is GDS Transport, licensed for GOV.UK only;
//    - every file in images/ (favicon.ico, favicon.svg, govuk-icon-*.png,
//      govuk-icon-mask.svg, govuk-opengraph-image.png, govuk-crest.svg) is the crown
//      or the Royal Arms, and manifest.json only lists those icons.
// Instead selfdirect has its own plain favicon (no crown, no font: it is drawn).
write(join(out, 'assets', 'images', 'favicon.svg'), `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
  <title>selfdirect</title>
  <rect width="32" height="32" rx="4" fill="#0b0c0c"/>
  <path fill="none" stroke="#ffffff" stroke-width="4" stroke-linecap="round" d="M8 10h16M8 16h10M8 22h16"/>
</svg>
`)

// Every url() in the CSS must point at a file that is in dist/ (or be a data: URL).
for (const [, raw] of css.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)) {
  if (raw.startsWith('data:')) continue
  const path = raw.split(/[?#]/)[0]
  if (!path.startsWith(STATIC_URL) || !existsSync(join(root, 'src', 'selfdirect', 'static', path.slice(STATIC_URL.length)))) {
    fail(`selfdirect.css refers to ${raw}, which the build does not provide.`)
  }
}

for (const path of written) {
  const kib = (statSync(path).size / 1024).toFixed(1).padStart(7)
  console.log(`wrote ${kib} KiB  ${relative(root, path)}`)
}
console.log(`frontend build done in ${Math.round(performance.now() - started)} ms`)
