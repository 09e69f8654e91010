/** The file's text. */
export declare const generate: () => string;
//# sourceMappingURL=generate.d.ts.map