/** Escapes text for XML attributes and bodies. */
export function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/** A JUnit file with one failed `provisioning` case, for when the lab could not be brought up. */
export function junitForSetupFailure(labName: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const detail = error instanceof Error && error.stack ? error.stack : message;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="hybrid-lab suites" tests="1" failures="1" errors="0">`,
    `  <testsuite name="provisioning" tests="1" failures="1" errors="0">`,
    `    <testcase classname="provisioning" name="bring lab ${xmlEscape(labName)} up">`,
    `      <failure message="${xmlEscape(message.split('\n')[0])}" type="SetupError">${xmlEscape(detail)}</failure>`,
    '    </testcase>',
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
