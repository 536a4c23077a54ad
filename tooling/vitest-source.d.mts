export declare const sourceConditions: {
  resolve: { conditions: string[] }
  ssr: { resolve: { conditions: string[] } }
}
