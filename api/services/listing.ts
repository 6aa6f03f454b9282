export * from '../listing';
