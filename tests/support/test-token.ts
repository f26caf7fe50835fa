/** A token that must never show up anywhere the visitor or a log can see. Imported by Node and workerd tests alike. */
export const TEST_HF_TOKEN = 'hf_TEST_SECRET_never_leaks_0123456789';
