"""Reservation calls to the payment gateway."""

import mlflow
import requests

GATEWAY = "https://payments.acme.example/v2/reserve"


class PaymentGatewayTimeout(Exception):
    pass


@mlflow.trace
def reserve_room(hotel_id, check_in, check_out, guests):
    try:
        response = requests.post(GATEWAY, json={"hotel": hotel_id, "in": check_in,
                                                "out": check_out, "guests": guests}, timeout=30)
    except requests.Timeout as exc:
        raise PaymentGatewayTimeout("payment gateway did not answer within 30s") from exc
    response.raise_for_status()
    return response.json()
