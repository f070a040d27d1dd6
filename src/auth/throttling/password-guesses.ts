import { Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/config.module';
import { AttemptBudget, type Reservation } from '../../rate-limit/attempt-budget';
import { limitFor } from '../../rate-limit/limits';

/**
 * Wrong `currentPassword` guesses at password/change, per user: THROTTLE_PASSWORD_CHANGE_LIMIT
 * per THROTTLE_PASSWORD_CHANGE_TTL. A slot is taken before bcrypt runs and given back when the
 * password was right, so a stolen access token buys at most that many checks per window, however
 * many requests it sends at once. Keyed by user, not session: every session of one account
 * shares the budget.
 */
@Injectable()
export class PasswordGuesses {
  constructor(
    private readonly budget: AttemptBudget,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Takes a slot, or throws RateLimitedError (429) when the user's guesses are spent. */
  reserve(userId: string): Promise<Reservation> {
    return this.budget.reserve(limitFor('password-change', userId, this.config));
  }

  /** The guess was right: it does not count. */
  right(reservation: Reservation): Promise<void> {
    return this.budget.refund(reservation);
  }
}
