// Passes a rejected promise of an async route handler to Express's error handling.
import type { NextFunction, Request, Response } from 'express';

export function asyncRoute(handler: (req: Request, res: Response) => Promise<void>) {
  return (req: Request, res: Response, next: NextFunction): void => {
    handler(req, res).catch(next);
  };
}
