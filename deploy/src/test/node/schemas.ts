// The kinds deploy/kubernetes renders, as kubernetes-models declares them (its types are generated
// from the Kubernetes OpenAPI spec and KEDA's CRDs). KubernetesManifestsTest runs
// ts-json-schema-generator over this file once (--type '*'): one JSON schema with a definition
// per export, closed objects (additionalProperties: false), so a misspelled field fails as the
// API server's strict field validation would refuse it.
import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { ISecret } from "kubernetes-models/v1/Secret";
import type { IService } from "kubernetes-models/v1/Service";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { IScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import type { ITriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication";

export type Namespace = INamespace;
export type ConfigMap = IConfigMap;
export type Secret = ISecret;
export type Service = IService;
export type Deployment = IDeployment;
export type PodDisruptionBudget = IPodDisruptionBudget;
export type ScaledObject = IScaledObject;
export type TriggerAuthentication = ITriggerAuthentication;
