// Placeholder until the campaigns API lands; replaced by the real router.
export const handler = async () => ({ statusCode: 503, body: '{"message":"not ready"}' });
