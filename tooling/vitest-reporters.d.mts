export declare const reporters: (string | [string, Record<string, unknown>])[]
