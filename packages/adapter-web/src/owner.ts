/** The owner's identity on the web platform. */
export const WEB_OWNER = 'owner';
