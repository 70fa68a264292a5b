// End-to-end tests run bin/blockgate, which runs dist/bundled/: build dist/ and the bundle from
// the current source first, as `make build` does.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['tools/build/bundle-cli.mjs'], { stdio: 'inherit' });
}
