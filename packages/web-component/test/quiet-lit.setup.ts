// Lit's development build says once per page that it is in dev mode. Component tests run the
// dev build on purpose (its other warnings catch real mistakes), so only that notice is
// marked as already given; every other Lit warning still prints.
const page = globalThis as { litIssuedWarnings?: Set<string> };
page.litIssuedWarnings ??= new Set<string>();
page.litIssuedWarnings.add('dev-mode');
