/** Where the floating panel covers the whole screen (the styles' phone layout). */
export const PHONE_MEDIA = '(max-width: 639.98px)';
