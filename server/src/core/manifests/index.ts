// Public API of the manifest models: YAML manifests -> workloads, budgets, and build/deploy commands in scripts.
export * from './types';
export { parseManifests, TEMPLATE_SKIPPED } from './parse';
export { isComposeFileName } from './compose';
export { composeProjects, mergeComposeService, COMPOSE_DEFAULT_NAMES, COMPOSE_OVERRIDE_NAMES } from './compose-project';
export type { ComposeProjects } from './compose-project';
export { isKustomizationFile, parseKustomization, KUSTOMIZATION_NAMES } from './kustomize';
export type { Kustomization, KustomizeImage } from './kustomize';
export { parseDuration } from './duration';
export {
  probeBudget,
  healthcheckBudget,
  cloudRunDefaultStartupBudget,
  cloudRunPort,
  K8S_PROBE_DEFAULTS,
  HEALTHCHECK_DEFAULTS,
  CLOUD_RUN_DEFAULT_STARTUP_PROBE,
  CLOUD_RUN_STARTUP_CAP_SECONDS,
  CLOUD_RUN_DEFAULT_PORT,
} from './budget';
export type { Budget, HealthcheckTiming } from './budget';
export { findDockerBuilds, findFlagValue, findGcloudRunDeploys, scanDeployCommands, splitShellWords } from './commands';
export type { DockerBuild, GcloudRunDeploy } from './commands';
export {
  parseKubeQuantity, parseComposeBytes, parseMemory, roundUpMemory, formatMemoryLike, isDecimalStyle, formatMiB, KiB, MiB, GiB,
} from './memory';
export type { QuantitySyntax } from './memory';
