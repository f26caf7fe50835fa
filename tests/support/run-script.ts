/// <reference types="node" />
/**
 * Runs a script's `main` and exits with the code it returns. A crash prints the
 * error and the same "N passed, M failed" line the script ends with, so whoever
 * reads that line sees the failure too.
 */
export function runScript(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error(error);
      console.log('0 passed, 1 failed');
      process.exit(1);
    },
  );
}
