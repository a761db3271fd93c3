// The labels and annotations of sidecar injection: how a namespace or pod opts in, how a pod opts
// out, and the record of what was injected. The chart's webhook configuration selects on the label.
import { GROUP } from '../../apis/group-version.js';

/** `"true"` on a namespace or a pod opts its agent pods in. */
export const INJECT_LABEL = `${GROUP}/inject`;
/** `"false"` on a pod (annotation) opts it out, whatever its namespace says. */
export const INJECT_ANNOTATION = INJECT_LABEL;
/** What was injected: JSON `{"version","image","mode"}`. */
export const INJECTED_ANNOTATION = `${GROUP}/injected`;
/** `"injected"` on every pod that got the sidecar: the chart's PodMonitor selects on it. */
export const SIDECAR_LABEL = `${GROUP}/sidecar`;
export const SIDECAR_LABEL_VALUE = 'injected';
