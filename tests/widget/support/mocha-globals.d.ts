// The mocha globals that web-test-runner puts in the page. @types/mocha is not
// installed, and these few signatures are all the tests use.
type MochaHook = () => void | Promise<unknown>;
interface MochaSuiteFunction {
  (title: string, body: () => void): void;
  only(title: string, body: () => void): void;
  skip(title: string, body: () => void): void;
}
interface MochaTestFunction {
  (title: string, body: MochaHook): void;
  only(title: string, body: MochaHook): void;
  skip(title: string, body?: MochaHook): void;
}
declare const describe: MochaSuiteFunction;
declare const it: MochaTestFunction;
declare function before(body: MochaHook): void;
declare function after(body: MochaHook): void;
declare function beforeEach(body: MochaHook): void;
declare function afterEach(body: MochaHook): void;
