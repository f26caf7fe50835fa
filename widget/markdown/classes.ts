/** The classes the element's styles and click handling know rendered markdown by. */
export const CODE_BLOCK_CLASS = 'code-block';
export const COPY_CODE_CLASS = 'copy-code';
