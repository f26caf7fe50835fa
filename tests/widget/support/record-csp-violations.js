// Loaded first by the strict-CSP embedding page (embed.test.ts): keeps every
// policy violation so the test can show there were none.
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'}`);
});
