// Shared by every package's vitest config: when the root test runner sets PP_REPORT_FILE,
// results are also written there as JSON so `pnpm test` can print one total.
const file = process.env.PP_REPORT_FILE
export const reporters = file ? ['default', ['json', { outputFile: file }]] : ['default']
