// Shared by the vitest configs: workspace packages resolve to their TypeScript sources (the `source`
// export condition in their package.json), so tests run on what is in src/ without a build first.
// Processes the tests start (`node dist/server.js`) still run the build.
export const sourceConditions = {
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
}
