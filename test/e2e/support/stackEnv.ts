/** The consumer settings that make the local broker's group joins and rejoins quick (see the brief on the mock). */
export const quickGroupEnv = { KAFKA_SESSION_TIMEOUT: '3s' };
