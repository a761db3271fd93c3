// Who the cluster's client certificates say they are. The API server's RBAC bootstrap policy
// knows these names: system:masters is cluster-admin, system:kube-controller-manager has the
// controller manager's role, and only front-proxy-client may assert X-Remote-User headers.
export const adminUser = { commonName: 'agent-governor-admin', organization: 'system:masters' } as const;
export const controllerManagerUser = { commonName: 'system:kube-controller-manager' } as const;
export const frontProxyClientName = 'front-proxy-client';
