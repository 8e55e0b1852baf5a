// The AWS client layer: SigV4 signing, credentials and endpoint resolution, the JSON 1.1
// and Query protocols, retries, and the service clients sluice needs.
// It knows nothing of manifests or pipelines.
