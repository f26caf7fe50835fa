export {
  startOfflineModel,
  type OfflineModel,
  type OfflineModelOptions,
  type RequestRecord,
  type Outcome,
} from './server.ts';
export { answerRequest, defaultConfig, type ModelConfig, type ModelRequest, type ModelResponse } from './respond.ts';
export { renderPlan } from './stream-plan.ts';
export { SCENARIO_KEYS, FAULTS, type Scenario } from './scenario.ts';
